/**
 * Content-Security-Policy for the workstation, the same in both hosts. 'wasm-unsafe-eval' is for the
 * HiGHS LP solver (WebAssembly) of the hedging issue; 'unsafe-inline' styles are for AG Grid's
 * theming API, which injects <style> elements. No inline or eval'd script anywhere.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'"
].join('; ')

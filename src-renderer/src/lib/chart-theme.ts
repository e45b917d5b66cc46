/** Colours and axis styling shared by the statistical-risk charts (SVG, so text stays text). */
export function chartColours(dark: boolean): { fg: string; grid: string; loss: string; bar: string; line: string } {
  return dark
    ? { fg: '#c9d1d9', grid: '#2a2f38', loss: '#ff6b6b', bar: '#6d9bff', line: '#e3e6ea' }
    : { fg: '#1b1f24', grid: '#e3e6ea', loss: '#c62828', bar: '#2457c5', line: '#1b1f24' }
}

export const usd0 = (x: number): string => Math.round(x).toLocaleString('en-US')

/** The parts of jStat (https://jstat.github.io) Marginal uses; the package ships no types. */
declare module 'jstat' {
  interface Distribution {
    cdf(x: number, ...params: number[]): number
    inv(p: number, ...params: number[]): number
    pdf(x: number, ...params: number[]): number
  }
  const jStat: {
    studentt: Distribution
    chisquare: Distribution
    normal: Distribution
  }
  export default jStat
}

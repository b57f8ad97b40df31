// vt-pbf ships no types; only the encoder of geojson-vt tiles is used (encode.ts).
declare module 'vt-pbf' {
  interface VtPbf {
    fromGeojsonVt(layers: Record<string, unknown>, options?: { version?: number; extent?: number }): Uint8Array;
  }
  const vtpbf: VtPbf;
  export default vtpbf;
}

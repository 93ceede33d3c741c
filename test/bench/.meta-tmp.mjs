import * as esbuild from 'esbuild';
const entry = process.argv[2];
const r = await esbuild.build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node22', minify: true, mainFields: ['module','main'], outfile: '/tmp/perf-out/index.mjs', metafile: true, write: true,
  alias: process.env.ALIAS ? { zod: process.env.ALIAS } : {}, banner: { js: "import { createRequire as __sharedtechCreateRequire } from 'node:module'; const require = __sharedtechCreateRequire(import.meta.url);" }, logLevel: 'error' });
const out = Object.values(r.metafile.outputs)[0];
const by = new Map();
for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
  let key = file;
  const i = file.lastIndexOf('node_modules/');
  if (i >= 0) { const p = file.slice(i + 13).split('/'); key = p[0].startsWith('@') ? p[0] + '/' + p[1] : p[0]; }
  else key = file.split('/').slice(0, 3).join('/');
  by.set(key, (by.get(key) ?? 0) + bytesInOutput);
}
console.log('total', out.bytes);
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log((v / 1024).toFixed(1).padStart(8), k);
const z = Object.entries(out.inputs).filter(([f]) => f.includes('node_modules/zod/')).map(([f, v]) => [f.replace(/.*node_modules\/zod\//, ''), v.bytesInOutput]).sort((a, b) => b[1] - a[1]);
const dirs = new Map(); for (const [f, b] of z) { const d = f.split("/").slice(0, 2).join("/"); dirs.set(d, (dirs.get(d) ?? 0) + b); }
console.log([...dirs].sort((a,b)=>b[1]-a[1]).slice(0,15));
const w = Object.entries(out.inputs).filter(([f]) => f.startsWith('packages/web')).map(([f, v]) => [f, v.bytesInOutput]).sort((a, b) => b[1] - a[1]).slice(0,15); console.log(w);

// Builds the browser app into dist/editor: one script, one stylesheet, the page.
import { build } from 'esbuild'
import { copyFile, mkdir } from 'node:fs/promises'

const outdir = 'dist/editor'
await mkdir(outdir, { recursive: true })
await build({
  entryPoints: { app: 'editor/main.ts', styles: 'editor/styles.css' },
  bundle: true,
  format: 'esm',
  target: 'es2022',
  outdir,
  sourcemap: true,
  minify: true,
  logLevel: 'warning'
})
await copyFile('editor/index.html', `${outdir}/index.html`)

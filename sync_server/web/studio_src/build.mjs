// Bundles the web studio with esbuild into ../static/studio/ under hashed names, and writes
// manifest.json (entry -> hashed file) that the server reads to name them in its pages.
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "static", "studio");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const result = await build({
  // Paths (and so the hashes) relative to this folder, wherever make is run from.
  absWorkingDir: here,
  entryPoints: ["src/studio.js", "src/studio.css"],
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  outdir: out,
  entryNames: "[name]-[hash]",
  metafile: true,
  legalComments: "linked",
  logLevel: "warning",
});
const manifest = {};
for (const [file, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint) manifest[basename(meta.entryPoint)] = relative(out, join(here, file));
}
writeFileSync(join(out, "manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log("web studio built:", JSON.stringify(manifest));

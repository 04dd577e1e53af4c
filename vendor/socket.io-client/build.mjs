// Builds static/vendor/socket.io.min.js from the npm packages pinned in package-lock.json:
//   cd vendor/socket.io-client && npm ci && npm run build
// socket.io-client's published bundle also carries the WebTransport transport, which the pages
// never ask for (they connect with ["websocket", "polling"]): leaving it out, and letting
// esbuild target ES2015 rather than the bundle's ES5, takes 2 KB off a phone's first visit.
import * as esbuild from "esbuild";
import { readFileSync } from "node:fs";

const version = JSON.parse(readFileSync("node_modules/socket.io-client/package.json", "utf8")).version;

const withoutWebTransport = {
  name: "without-webtransport",
  setup(build) {
    build.onLoad({ filter: /engine\.io-client[\\/]build[\\/]esm[\\/]transports[\\/]index\.js$/ }, (args) => ({
      contents: [
        'import { XHR } from "./polling-xhr.node.js";',
        'import { WS } from "./websocket.node.js";',
        "export const transports = { websocket: WS, polling: XHR };",
      ].join("\n"),
      resolveDir: args.path.replace(/[\\/][^\\/]*$/, ""),
    }));
  },
};

await esbuild.build({
  entryPoints: ["entry.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2015",
  platform: "browser",
  legalComments: "none",
  banner: { js: `/*! Socket.IO v${version} (socket.io-client, engine.io-client; WebSocket and polling only) | MIT License */` },
  outfile: "../../static/vendor/socket.io.min.js",
  plugins: [withoutWebTransport],
});

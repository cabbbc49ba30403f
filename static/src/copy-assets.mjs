// Copy GOV.UK Frontend's images and JavaScript beside the compiled stylesheet.
import { cpSync, mkdirSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/build/govuk", { recursive: true });
cpSync(`${from}/assets`, "static/build/govuk/assets", { recursive: true });
cpSync(`${from}/govuk-frontend.min.js`, "static/build/govuk/govuk-frontend.min.js");
// Our own scripts, beside it: init.js (imports ./govuk/govuk-frontend.min.js) and the
// modules it starts.
for (const name of ["init.js", "timeout-warning.js"]) {
  cpSync(`static/src/${name}`, `static/build/${name}`);
}

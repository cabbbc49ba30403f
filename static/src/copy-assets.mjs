// Copy GOV.UK Frontend's images and JavaScript beside the compiled stylesheet.
import { cpSync, mkdirSync } from "node:fs";

const from = "node_modules/govuk-frontend/dist/govuk";
mkdirSync("static/build/govuk", { recursive: true });
cpSync(`${from}/assets`, "static/build/govuk/assets", { recursive: true });
cpSync(`${from}/govuk-frontend.min.js`, "static/build/govuk/govuk-frontend.min.js");
// Our own start-up script, beside it (imports ./govuk/govuk-frontend.min.js).
cpSync("static/src/init.js", "static/build/init.js");

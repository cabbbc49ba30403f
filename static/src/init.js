// Start GOV.UK Frontend's components. A file, not an inline script, so the
// Content-Security-Policy can refuse inline script (docs/adr/0009-hardening.md).
import { initAll } from "./govuk/govuk-frontend.min.js";
import { initTimeoutWarning } from "./timeout-warning.js";

initAll();
initTimeoutWarning();

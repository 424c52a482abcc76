// Start GOV.UK Frontend's JavaScript components (tabs, error summary focus, and so on).
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

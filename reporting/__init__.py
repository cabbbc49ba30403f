"""The figure catalogue, the annual report and the Head of Service's dashboards."""

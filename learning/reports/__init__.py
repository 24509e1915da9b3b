"""Institution reports: per-path figures, evaluation summaries and the PARS
credit export (``services``), and the staff admin pages that show them
(``views``)."""

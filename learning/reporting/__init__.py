"""Credit reporting: consent, report batches to ACCME's PARS and the boards,
their validation and the files PARS accepts (docs/credit-reporting.md)."""

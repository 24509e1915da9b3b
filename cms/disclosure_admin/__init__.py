"""Staff-side screens for ACCME Standard 3: signing and renewing disclosures,
their history, and CME reviewers' relevance, mitigation and exception records
per piece of content (with the page's audit history). Registered in
``cms.wagtail_hooks``; the rules live in ``cms.disclosures`` (writing),
``cms.control`` (status) and ``cms.permissions`` (who)."""

"""CME compliance of learning paths: who controls each path's content
(``entries``), the publish gate (``gate``), the statements a path prints
(``statements``) and the daily check after publication (``daily``)."""

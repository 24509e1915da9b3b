"""Reminders that bring learners back: a quiet path, a certificate ready, a
path about to stop offering credit. Written by scheduled scans and by the
certificate's PDF render (never inside a request), through ``notifications``."""

"""Certificates: issuing, rendering to PDF, verification, revocation and reissue."""

"""Database backends: Django's, with what this project needs on top."""

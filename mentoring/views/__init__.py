"""The mentoring pages: thin views over ``mentoring.services``."""

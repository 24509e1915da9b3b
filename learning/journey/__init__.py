"""The learner's journey: catalogue, enrolment, steps, post-test, evaluation, claim."""

"""The journey's views, thin: parse the request, call the journey's services,
render or redirect. ``path_page``: the path page and its step actions
(overview, enrol, continue, complete a step) and the catalogue and
guide-step contexts the pages' hooks add; ``stages``: what follows the steps
(post-test and its result, evaluation, credit claim); ``learner``: the
learner's own pages (dashboard, profile); ``common``: what they share."""

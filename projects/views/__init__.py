"""Staff and expert pages of projects (thin: predicate, form, selector or service, render)."""

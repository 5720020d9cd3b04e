"""Pages of the registry: organizations, the workflow pages (one module per entity) and the portal.

Thin views: they validate input with a form, call one service or selector, and render. Objects are
fetched through the selectors' access functions, so "missing", "other tenant" and "outside your
jurisdiction" are the same 404. A page the user has no business opening is a 404 too; a workflow
step the user may not take on an object they can see is refused by the service with a message.
Broken business rules (ApplicationError) and field problems (ValidationError) are shown on the form
or as an error message, never as a 500.
"""

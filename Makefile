# Shortcuts for the two README commands and a few developer tasks.
.PHONY: demo test ci messages lint worker beat

demo:
	bash scripts/dev.sh demo

test:
	bash scripts/dev.sh test

ci:
	bash .ci/run

# Re-extract the translatable strings (needs GNU gettext) and compile them.
messages:
	.venv/bin/python manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --no-obsolete
	.venv/bin/python scripts/compilemessages.py

lint:
	.venv/bin/ruff check .

worker:
	.venv/bin/celery -A governance worker -l info

beat:
	.venv/bin/celery -A governance beat -l info

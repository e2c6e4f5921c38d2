#!/usr/bin/env bash
# THE main job (README): set up, generate the HumanGov code from the specs, print the event catalog.
#   bash scripts/demo.sh
# Needs nothing but Node 20 + npm: no Kafka, RabbitMQ or PostgreSQL (the embedded default).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=lib/pnpm.sh
. scripts/lib/pnpm.sh
bash scripts/bootstrap.sh
use_installed_pnpm || true
node packages/cli/dist/bin.js generate
node packages/cli/dist/bin.js catalog

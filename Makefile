# Skein: `make run` builds and starts the server, `make test` runs every test.
# Both install missing Debian packages first (scripts/install-deps).

ARGS ?=

.PHONY: run test build release deps check-proto interop browser crash-test fuzz gen-proto clean

deps:
	@scripts/install-deps

## Build in release mode and start `skein serve` (OTLP/HTTP on 127.0.0.1:4318, API and viewer on 127.0.0.1:16686).
## Pass flags with ARGS, e.g. make run ARGS="--config skein.yaml".
run: release
	.build/release/skein serve $(ARGS)

release: deps
	swift build -c release --product skein

build: deps
	swift build

## Every test: the proto check against the official descriptors, the interop tests with the official
## OpenTelemetry Python exporters, the viewer in headless Chromium, the crash test (SIGKILL under load,
## then --verify), a 20 s fuzz run per decoder, then the Swift suites (RocksDB in temp dirs, servers on
## 127.0.0.1). The Swift summary is the last line.
test: deps check-proto
	swift build --build-tests
	$(MAKE) --no-print-directory interop
	scripts/browser-test
	$(MAKE) --no-print-directory crash-test
	$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20
	swift test --skip-build

INTEROP_VENV := .venv-interop

$(INTEROP_VENV)/.installed: Tests/InteropTests/requirements.txt
	python3 -m venv $(INTEROP_VENV)
	$(INTEROP_VENV)/bin/pip install -q --disable-pip-version-check -r Tests/InteropTests/requirements.txt
	touch $@

## The official OpenTelemetry SDK exporters (gRPC, HTTP/protobuf, HTTP/JSON) against .build/debug/skein.
interop: $(INTEROP_VENV)/.installed
	SKEIN_BINARY=.build/debug/skein $(INTEROP_VENV)/bin/python -m pytest -q Tests/InteropTests

## The viewer (ui-static/) in headless Chromium, driven by Selenium, against .build/debug/skein seeded
## with traces; screenshots of each page in .build/browser-screenshots/ (BROWSER_SCREENSHOTS=dir).
## `make test` runs the same script after its own build.
browser: build
	scripts/browser-test

## SIGKILLs .build/debug/skein while skein-loadgen sends, restarts it, and verifies every acknowledged
## trace is whole: 2 cycles over gRPC and 1 over HTTP/protobuf, 2 kills each (about 40 s).
## Larger runs: scripts/crash-test --bin .build/release --cycles 20 (BENCHMARKS.md).
crash-test:
	scripts/crash-test --cycles 2 --protocol grpc
	scripts/crash-test --cycles 1 --protocol http-protobuf --seed 7

FUZZ_SECONDS ?= 60

## libFuzzer + AddressSanitizer on the protobuf reader, the OTLP/JSON decoder, gzip and the query parameter parsers, FUZZ_SECONDS
## each from Fuzz/corpus (own build in .build-fuzz). A crash input lands in .build-fuzz/crashes/.
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

check-proto:
	@scripts/check-proto

## Rebuilds the protoc plugins and regenerates Sources/OTLPProto (not needed for building).
gen-proto:
	scripts/gen-proto

clean:
	rm -rf .build .build-fuzz .build-tools .venv-tools $(INTEROP_VENV) .venv-browser

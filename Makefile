# The two README commands. Both install what is missing, build, and are safe to re-run.
#   make demo   setup + the main job on bundled inputs, results in out/demo/
#   make test   setup + the whole test suite (Release + -Werror, then again under ASan/UBSan)
# Not part of either:
#   make fuzz   libFuzzer targets of the spec readers (needs clang), FUZZ_TIME seconds each
.PHONY: demo test deps build build-asan fuzz clean

BUILD      ?= build
ASAN_BUILD ?= $(BUILD)/asan
FUZZ_BUILD ?= $(BUILD)/fuzz
FUZZ_TIME  ?= 60
JOBS       ?= $(shell nproc)
# Verilator models built by tests are cached here and shared by both builds.
export HCL_CACHE_DIR ?= $(CURDIR)/$(BUILD)/cache

deps:
	@bash scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release -DHCL_WERROR=ON >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

build-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHCL_WERROR=ON \
	  -DHCL_SANITIZE=ON -DHCL_UNIT_TESTS_ONLY=OFF -DHCL_BENCH=OFF >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)/bin/hcl out/demo

test: build build-asan
	@echo "== tests (Release, -Werror) =="
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@echo "== unit and CLI integration tests under AddressSanitizer + UndefinedBehaviorSanitizer =="
	@ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

fuzz: deps
	@bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_TIME) $(JOBS)

clean:
	rm -rf $(BUILD) out

# Sourced by the flow tests: private_cache DIR makes DIR the model cache (HCL_CACHE_DIR) of the
# test alone, holding links to the shared cache's Verilator models and Yosys reports, so no
# build is repeated, but none of its search or co-simulation entries, so the test's first run
# starts cold.
private_cache() {
  mkdir -p "$1" || exit 98
  if [ -n "${HCL_CACHE_DIR:-}" ] && [ -d "$HCL_CACHE_DIR" ]; then
    for e in "$HCL_CACHE_DIR"/*; do
      case $(basename "$e") in search-* | cosim-*) ;; *) ln -s "$e" "$1/" ;; esac
    done
  fi
  export HCL_CACHE_DIR=$1
}

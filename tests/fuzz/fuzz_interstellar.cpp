// libFuzzer target for the Interstellar tool's JSON files: each input is read as a layer, an
// architecture, a mapping and a schedule hint (the readers take text). A mapping that reads is
// checked against the small test layer and its three-level arch (tests/data/evaluate/) and,
// when it passes, evaluated: check_mapping is what makes evaluate's preconditions hold.
//
// Bad input is std::invalid_argument; anything else escaping is a finding.
#include "fuzz_support.h"

#include <scheduler/interstellar/interstellar_io.h>

#include <stdexcept>
#include <string_view>

using namespace hcl::sched;

namespace {

const interstellar::Layer &layer() {
  static const interstellar::Layer l =
      interstellar::read_layer(hcl::fuzz::source_file("tests/data/evaluate/small_conv.layer.json"));
  return l;
}
const interstellar::ArchSpec &arch() {
  static const interstellar::ArchSpec a =
      interstellar::read_arch(hcl::fuzz::source_file("tests/data/evaluate/three_level.arch.json"));
  return a;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)layer();
  (void)arch();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char *>(data), size);
  try {
    (void)interstellar::parse_layer(text, "fuzz.json");
  } catch (const std::invalid_argument &) {
  }
  try {
    (void)interstellar::parse_arch(text, "fuzz.json");
  } catch (const std::invalid_argument &) {
  }
  try {
    const auto m = interstellar::parse_mapping(text, "fuzz.json");
    interstellar::check_mapping(layer(), arch(), m, "fuzz.json");
    (void)interstellar::result_to_json(interstellar::evaluate(layer(), arch(), m), layer(), arch(),
                                       m);
  } catch (const std::invalid_argument &) {
  }
  try {
    (void)interstellar::parse_schedule_hint(text, "fuzz.json", arch().levels);
  } catch (const std::invalid_argument &) {
  }
  return 0;
}

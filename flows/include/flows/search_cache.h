// Proven schedules kept on disk between runs (sched::SearchCache), so a re-run of hcl flow
// with the same inputs searches no layer again, and a run that changes one layer searches
// only that one. An entry is the layer's mapping and its proof (objective, lower bound, search
// statistics), keyed by a content hash of everything the search depends on: the layer's shape
// (not its name), every field of the arch, the objective, mode, space and incumbent bound,
// and the code itself (the hash of the binary holding this library), so a rebuilt model never
// reuses an older one's proofs. On a hit the mapping is evaluated again and must give the
// kept objective, else the entry is ignored. Entries are written atomically; a corrupt one is a
// miss.
#pragma once

#include <scheduler/network/network_schedule.h>

#include <filesystem>
#include <string>

namespace hcl::flows {

class DiskSearchCache : public sched::SearchCache {
public:
  // `dir` is created on the first keep(); empty: default_cache_dir() (sim_build.h).
  explicit DiskSearchCache(std::filesystem::path dir = {});
  std::optional<Entry> find(const sched::Problem &problem, const sched::Arch &arch,
                            const sched::SearchOptions &options) override;
  void keep(const sched::Problem &problem, const sched::Arch &arch,
            const sched::SearchOptions &options, const Entry &entry) override;
  // The entry file of a search, for tests and for saying where results live.
  std::filesystem::path entry_path(const sched::Problem &problem, const sched::Arch &arch,
                                   const sched::SearchOptions &options) const;
  // Lookups so far that found a kept result, and all lookups.
  int hits() const { return hits_; }
  int lookups() const { return lookups_; }
  void reset_counts() { hits_ = lookups_ = 0; }

private:
  std::filesystem::path dir_;
  int hits_ = 0, lookups_ = 0;
};

// The key's text: every input of a search, one field per line (what entry_path hashes).
std::string search_key_text(const sched::Problem &problem, const sched::Arch &arch,
                            const sched::SearchOptions &options);

} // namespace hcl::flows

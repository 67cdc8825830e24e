// Warnings of the spec readers: input that is accepted, as the reference tool accepts it, but
// has no effect (e.g. an instance key Timeloop ignores). They go to one process-wide sink,
// stderr ("hcl: warning: FILE:LINE: ...") unless a caller installs its own, such as a test or
// a front end that collects them.
#pragma once

#include <functional>
#include <string>

namespace hcl::sched {

using WarningSink = std::function<void(const std::string &)>;

// Replaces the sink (an empty one restores stderr) and returns the previous one. Thread-safe.
WarningSink set_warning_sink(WarningSink sink);
// Sends `message` to the sink.
void warn(const std::string &message);

} // namespace hcl::sched

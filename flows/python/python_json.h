// JSON documents as Python objects, and the project's exceptions as Python ones.
#pragma once

#include <nlohmann/json.hpp>
#include <pybind11/pybind11.h>

namespace hcl::python {

// nlohmann::json to dict / list / int / float / str / bool / None, recursively.
pybind11::object to_python(const nlohmann::json &j);

// Registers hcl.UsageError (a ValueError), hcl.SpecError (a UsageError with .file, .line,
// .key and .message), hcl.ToolMissing (a UsageError) and their translation from C++.
void bind_errors(pybind11::module_ &m);

} // namespace hcl::python

#include "python_json.h"

#include <flows/errors.h>
#include <scheduler/io/yaml_util.h>

#include <stdexcept>

namespace py = pybind11;

namespace hcl::python {

py::object to_python(const nlohmann::json &j) {
  switch (j.type()) {
  case nlohmann::json::value_t::object: {
    py::dict d;
    for (const auto &[k, v] : j.items()) {
      d[py::str(k)] = to_python(v);
    }
    return d;
  }
  case nlohmann::json::value_t::array: {
    py::list l;
    for (const auto &v : j) {
      l.append(to_python(v));
    }
    return l;
  }
  case nlohmann::json::value_t::string:
    return py::str(j.get_ref<const std::string &>());
  case nlohmann::json::value_t::boolean:
    return py::bool_(j.get<bool>());
  case nlohmann::json::value_t::number_integer:
    return py::int_(j.get<std::int64_t>());
  case nlohmann::json::value_t::number_unsigned:
    return py::int_(j.get<std::uint64_t>());
  case nlohmann::json::value_t::number_float:
    return py::float_(j.get<double>());
  default:
    return py::none();
  }
}

namespace {

// The classes live in the module; static handles keep them alive for the translator.
py::handle usage_error, spec_error, tool_missing;

void raise(py::handle cls, const char *what) { PyErr_SetString(cls.ptr(), what); }

void raise_spec_error(const sched::SpecError &e) {
  py::object exc = py::reinterpret_borrow<py::object>(spec_error)(e.what());
  exc.attr("file") = e.file();
  exc.attr("line") = e.line();
  exc.attr("key") = e.key();
  exc.attr("message") = e.message();
  PyErr_SetObject(spec_error.ptr(), exc.ptr());
}

} // namespace

void bind_errors(py::module_ &m) {
  usage_error = py::exception<flows::UsageError>(m, "UsageError", PyExc_ValueError).release();
  spec_error = py::exception<sched::SpecError>(m, "SpecError", usage_error).release();
  tool_missing = py::exception<flows::ToolMissing>(m, "ToolMissing", usage_error).release();
  // pybind11's translator type takes the exception_ptr by value.
  // NOLINTNEXTLINE(performance-unnecessary-value-param)
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) {
        std::rethrow_exception(p);
      }
    } catch (const sched::SpecError &e) {
      raise_spec_error(e);
    } catch (const flows::ToolMissing &e) {
      raise(tool_missing, e.what());
    } catch (const std::invalid_argument &e) {
      // Every library's bad-input error derives from std::invalid_argument (flows/errors.h).
      raise(usage_error, e.what());
    }
  });
}

} // namespace hcl::python

// Our own spec formats, one header each: a workload (one layer, workload_yaml.h), an
// architecture (arch_yaml.h, with its built-in energy table in energy_table.h) and a schedule
// (schedule_yaml.h), and telling them apart (spec_kind.h). The network format is network.h.
// Include the one a file needs; this header is for code that handles all of them.
#pragma once

#include <scheduler/io/arch_yaml.h>
#include <scheduler/io/energy_table.h>
#include <scheduler/io/schedule_yaml.h>
#include <scheduler/io/spec_kind.h>
#include <scheduler/io/workload_yaml.h>

// The hcl hardware construction library: the one header generators include.
//
//   signal.h     Bool / UInt(w) / SInt(w), operators and the width rule
//   module.h     Input/Output/Wire/Reg, when/otherwise, Mem, instance(), elaborate()
//   aggregate.h  Vec<T>, bundles, leaf-wise connect
//   emit.h       emit_verilog(), dump()
//   error.h      hcl::Error, thrown with the user's file:line
#pragma once

#include <hcl/aggregate.h>
#include <hcl/emit.h>
#include <hcl/error.h>
#include <hcl/ir.h>
#include <hcl/module.h>
#include <hcl/signal.h>

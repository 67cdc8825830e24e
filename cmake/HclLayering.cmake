# The layering of the project is a rule, not a convention: hcl <- generators, scheduler alone,
# flows on top. Each library sees only the include directories of the libraries it may use, so
# an #include that points the wrong way fails to compile; this check also fails the configure
# step when someone adds a forbidden target_link_libraries edge.
set(HCL_ALLOWED_DEPS_hcl "")
set(HCL_ALLOWED_DEPS_generators "hcl")
set(HCL_ALLOWED_DEPS_scheduler "")
set(HCL_ALLOWED_DEPS_flows "hcl;generators;scheduler")
set(HCL_OUR_LIBRARIES hcl generators scheduler flows)

function(hcl_check_layering)
  foreach(lib IN LISTS HCL_OUR_LIBRARIES)
    get_target_property(deps ${lib} LINK_LIBRARIES)
    if(NOT deps)
      set(deps "")
    endif()
    foreach(dep IN LISTS deps)
      if(dep IN_LIST HCL_OUR_LIBRARIES AND NOT dep IN_LIST HCL_ALLOWED_DEPS_${lib})
        message(FATAL_ERROR
          "layering violation: '${lib}' links '${dep}'. Allowed for '${lib}': "
          "[${HCL_ALLOWED_DEPS_${lib}}]. See docs/architecture.md.")
      endif()
    endforeach()
  endforeach()
endfunction()

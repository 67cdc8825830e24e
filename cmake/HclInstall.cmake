# `cmake --install`: the four libraries, their public headers, the `hcl` executable and an
# hclConfig.cmake with the exported targets hcl::hcl, hcl::generators, hcl::scheduler and
# hcl::flows, so that an out-of-tree project (examples/out_of_tree/) can find_package(hcl).
include(CMakePackageConfigHelpers)

set(HCL_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/hcl)

function(hcl_install)
  install(TARGETS hcl generators scheduler flows EXPORT hclTargets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  if(TARGET hcl_cli)
    install(TARGETS hcl_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
    # The completion script comes from the installed parser, so it always matches its options.
    install(CODE "
      set(prefix \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}\")
      file(MAKE_DIRECTORY \"\${prefix}/${CMAKE_INSTALL_DATADIR}/bash-completion/completions\")
      execute_process(COMMAND \"\${prefix}/${CMAKE_INSTALL_BINDIR}/hcl\" completion bash
                      OUTPUT_FILE \"\${prefix}/${CMAKE_INSTALL_DATADIR}/bash-completion/completions/hcl\"
                      RESULT_VARIABLE rc)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR \"hcl completion bash failed (\${rc})\")
      endif()")
  endif()
  foreach(lib hcl generators scheduler flows)
    install(DIRECTORY ${PROJECT_SOURCE_DIR}/${lib}/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endforeach()
  install(EXPORT hclTargets NAMESPACE hcl:: DESTINATION ${HCL_INSTALL_CMAKEDIR})
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hclConfig.cmake.in
                                ${PROJECT_BINARY_DIR}/hclConfig.cmake
                                INSTALL_DESTINATION ${HCL_INSTALL_CMAKEDIR})
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/hclConfigVersion.cmake
                                   COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/hclConfig.cmake ${PROJECT_BINARY_DIR}/hclConfigVersion.cmake
          DESTINATION ${HCL_INSTALL_CMAKEDIR})
endfunction()

# One place for compiler flags so every target of ours builds with the same rules.
function(hcl_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(HCL_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  if(HCL_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer
                                             -fno-sanitize-recover=undefined
                                             # GCC 12 reports false maybe-uninitialized errors
                                             # inside libstdc++'s <regex> under ASan
                                             # instrumentation (GCC bug 105562).
                                             -Wno-maybe-uninitialized)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined)
  endif()
endfunction()

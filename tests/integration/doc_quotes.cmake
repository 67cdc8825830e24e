# Fails unless DOC contains, verbatim, the part of SRC between the lines `// [recipe]` and
# `// [/recipe]`: a guide that quotes code must quote the code that the suite compiles.
# Usage: cmake -DDOC=... -DSRC=... -P doc_quotes.cmake
file(READ "${DOC}" doc)
file(READ "${SRC}" src)
string(FIND "${src}" "// [recipe]\n" begin)
string(FIND "${src}" "// [/recipe]" end)
if(begin EQUAL -1 OR end EQUAL -1)
  message(FATAL_ERROR "${SRC}: no '// [recipe]' ... '// [/recipe]' markers")
endif()
math(EXPR begin "${begin} + 12")
math(EXPR length "${end} - ${begin}")
string(SUBSTRING "${src}" ${begin} ${length} recipe)
string(FIND "${doc}" "${recipe}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "${DOC} does not quote ${SRC}'s recipe verbatim; copy it again")
endif()

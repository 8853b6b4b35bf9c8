# Turns one data file into a C++ function returning its text, so the binary carries it.
# Called with -DINPUT=file -DOUTPUT=file.cpp -DHEADER=path/x.hpp -DFUNCTION=ns::name
file(READ ${INPUT} text)
string(FIND "${text}" ")lldata\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )lldata\"")
endif()
string(REGEX REPLACE "::[^:]*$" "" ns "${FUNCTION}")
string(REGEX REPLACE "^.*::" "" name "${FUNCTION}")
get_filename_component(input_name ${INPUT} NAME)
# A raw string literal is capped in practice by the compiler's line handling, not by C++, so
# long files are cut into pieces that are concatenated at compile time.
string(LENGTH "${text}" length)
set(pieces "")
set(offset 0)
while(offset LESS length)
  string(SUBSTRING "${text}" ${offset} 16000 piece)
  string(APPEND pieces "R\"lldata(${piece})lldata\"\n")
  math(EXPR offset "${offset} + 16000")
endwhile()
file(WRITE ${OUTPUT} "// Generated from ${input_name} by cmake/embed_file.cmake; do not edit.\n#include \"${HEADER}\"\n\nnamespace ${ns} {\n\nstd::string_view ${name}()\n{\n    static constexpr char const text[] =\n${pieces};\n    return {text, sizeof text - 1};\n}\n\n} // namespace ${ns}\n")

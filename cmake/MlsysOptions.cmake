# Build options shared by every target of ours: instruction set, warnings, sanitizers, and the
# mlsys_add_library() helper that each library folder uses. Third-party targets never get these flags.
include_guard(GLOBAL)

set(MLSYS_ARCH "auto" CACHE STRING
    "Instruction set: auto (x86-64-v3 when this CPU runs it, else portable), native, portable, or any -march value")
set(MLSYS_SANITIZE "" CACHE STRING "Sanitizers for our targets, e.g. address,undefined or thread")

# Eigen measured 2.3x faster with -march=x86-64-v3 than with the portable default (PLATFORM.md). The app is
# built on the machine that runs it, so "auto" uses v3 when the build machine's CPU can execute it.
set(MLSYS_ARCH_FLAGS "")
if(MLSYS_ARCH STREQUAL "auto")
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
    set(_probe ${CMAKE_BINARY_DIR}/arch_probe.cpp)
    file(WRITE ${_probe} "int main(){__builtin_cpu_init();return (__builtin_cpu_supports(\"avx2\")&&__builtin_cpu_supports(\"fma\")&&__builtin_cpu_supports(\"bmi2\")&&__builtin_cpu_supports(\"movbe\"))?0:1;}\n")
    try_run(_arch_run _arch_compile ${CMAKE_BINARY_DIR}/arch_probe SOURCES ${_probe}
            COMPILE_DEFINITIONS -march=x86-64-v3)
    if(_arch_compile AND _arch_run EQUAL 0)
      set(MLSYS_ARCH_FLAGS -march=x86-64-v3)
    endif()
  endif()
elseif(MLSYS_ARCH STREQUAL "native")
  set(MLSYS_ARCH_FLAGS -march=native)
elseif(NOT MLSYS_ARCH STREQUAL "portable")
  set(MLSYS_ARCH_FLAGS -march=${MLSYS_ARCH})
endif()
message(STATUS "MLSys Lab instruction set: ${MLSYS_ARCH} -> '${MLSYS_ARCH_FLAGS}'")

add_library(mlsys_options INTERFACE)
# -fno-math-errno: our code never reads errno after a math call, and without it GCC cannot vectorise
# sqrt (the fused Adam update measured ~35% slower as scalar code).
target_compile_options(mlsys_options INTERFACE
  ${MLSYS_ARCH_FLAGS} -fno-math-errno
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  $<$<COMPILE_LANGUAGE:CXX>:-Wno-restrict>)
if(MLSYS_SANITIZE)
  target_compile_options(mlsys_options INTERFACE -fsanitize=${MLSYS_SANITIZE} -fno-omit-frame-pointer)
  target_link_options(mlsys_options INTERFACE -fsanitize=${MLSYS_SANITIZE})
endif()

# mlsys_add_library(<target> <folder> [OBJECT] LINKS <libs...>): a static library from every .cpp under
# <folder> (an INTERFACE library while the folder has no sources yet). OBJECT makes an object library, for
# code that registers itself at static initialisation (CLI subcommands, GUI workspaces), which a static
# archive would drop. Includes are rooted at the repository: #include "models/core/result.hpp".
function(mlsys_add_library target folder)
  cmake_parse_arguments(ARG "OBJECT" "" "LINKS;EXCLUDE" ${ARGN})
  set(_type STATIC)
  if(ARG_OBJECT)
    set(_type OBJECT)
  endif()
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS ${folder}/*.cpp)
  foreach(_ex ${ARG_EXCLUDE})
    list(FILTER _srcs EXCLUDE REGEX "${_ex}")
  endforeach()
  if(_srcs)
    add_library(${target} ${_type} ${_srcs})
    target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} PUBLIC ${ARG_LINKS} PRIVATE mlsys_options)
  else()
    add_library(${target} INTERFACE)
    target_include_directories(${target} INTERFACE ${PROJECT_SOURCE_DIR})
    target_link_libraries(${target} INTERFACE ${ARG_LINKS})
  endif()
endfunction()

// Must NOT compile: a target that only links `hcl` has no path to scheduler headers.
#include <scheduler/search/factorize.h>
int layering_probe() { return 0; }

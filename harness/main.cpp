#include <iostream>
#include <string>
#include <vector>

#include "harness/cli.h"

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  return faultline::harness::runCli(args, std::cout, std::cerr);
}

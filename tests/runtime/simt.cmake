xpile_runtime_test(simt_test simt_test.cpp)

xpile_runtime_test(rt_test rt_test.cpp)

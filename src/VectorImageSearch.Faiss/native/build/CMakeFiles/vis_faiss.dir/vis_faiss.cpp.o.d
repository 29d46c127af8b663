CMakeFiles/vis_faiss.dir/vis_faiss.cpp.o: \
 /work/main/src/VectorImageSearch.Faiss/native/vis_faiss.cpp \
 /usr/include/stdc-predef.h \
 /usr/lib/gcc/x86_64-linux-gnu/12/include/omp.h

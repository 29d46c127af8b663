file(REMOVE_RECURSE
  "CMakeFiles/vis_faiss.dir/vis_faiss.cpp.o"
  "CMakeFiles/vis_faiss.dir/vis_faiss.cpp.o.d"
  "libvis_faiss.pdb"
  "libvis_faiss.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang CXX)
  include(CMakeFiles/vis_faiss.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()

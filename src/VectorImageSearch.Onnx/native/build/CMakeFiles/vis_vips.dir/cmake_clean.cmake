file(REMOVE_RECURSE
  "CMakeFiles/vis_vips.dir/vis_vips.c.o"
  "CMakeFiles/vis_vips.dir/vis_vips.c.o.d"
  "libvis_vips.pdb"
  "libvis_vips.so"
)

# Per-language clean rules from dependency scanning.
foreach(lang C)
  include(CMakeFiles/vis_vips.dir/cmake_clean_${lang}.cmake OPTIONAL)
endforeach()

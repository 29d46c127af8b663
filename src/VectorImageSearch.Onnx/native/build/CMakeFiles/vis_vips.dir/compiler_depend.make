# Empty compiler generated dependencies file for vis_vips.
# This may be replaced when dependencies are built.

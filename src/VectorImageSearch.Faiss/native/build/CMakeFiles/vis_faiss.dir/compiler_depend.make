# Empty compiler generated dependencies file for vis_faiss.
# This may be replaced when dependencies are built.

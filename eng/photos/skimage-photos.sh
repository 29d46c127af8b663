#!/usr/bin/env bash
# Puts the public-domain / CC0 photographs of Debian's python3-skimage (scikit-image 0.19.3 sample data) into a cache
# folder and prints that folder; benchmarks/NearDuplicateMeasurements reads them there. Nothing is copied into the
# repository. The package is fetched with `apt-get download` and unpacked with `dpkg-deb -x` (no install, no
# dependencies); run `apt-get update` first on a fresh machine.
#
# Only files whose scikit-image docstring (skimage/data/_fetchers.py) states public domain or CC0 are used:
#   astronaut.png       Eileen Collins, NASA                          public domain
#   camera.png          Lav Varshney                                  CC0
#   chelsea.png         Stefan van der Walt                           CC0
#   coffee.png          Rachel Michetti                               CC0
#   rocket.jpg          SpaceX                                        public domain
#   brick.png           CC0Textures (Bricks25)                        CC0
#   grass.png           CC0Textures                                   CC0
#   gravel.png          CC0Textures (Gravel04)                        CC0
#   clock_motion.png    Stefan van der Walt                           public domain
#   hubble_deep_field.jpg  NASA                                       public domain
#   retina.jpg          Mikael Häggström (Wikimedia Commons)          CC0 1.0
#   cell.png            Müller et al., Optics Express 26(8) 2018       CC0 (quantitative phase image)
# Left out: coins, ihc ("no known copyright restrictions", no stated licence), moon, page (no licence stated), the
# Middlebury motorcycle pair, and the Debian wallpaper packages mate-backgrounds (GPL-2+) and
# plasma-workspace-wallpapers (LGPL-3 / CC-BY-SA-4.0), which are neither public domain nor CC0.
set -euo pipefail
cache="${VIS_PHOTO_CACHE:-$HOME/.cache/vectorimagesearch/skimage-photos}"
files=(astronaut.png camera.png chelsea.png coffee.png rocket.jpg brick.png grass.png gravel.png clock_motion.png
  hubble_deep_field.jpg retina.jpg cell.png)
missing=0
for f in "${files[@]}"; do [[ -s "$cache/$f" ]] || missing=1; done
if [[ $missing == 1 ]]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download python3-skimage >&2)
  dpkg-deb -x "$work"/python3-skimage_*.deb "$work/x"
  mkdir -p "$cache"
  for f in "${files[@]}"; do
    cp "$work/x/usr/lib/python3/dist-packages/skimage/data/$f" "$cache/$f"
  done
  cp "$work/x/usr/share/doc/python3-skimage/copyright" "$cache/copyright.debian"
  dpkg-deb -f "$work"/python3-skimage_*.deb Version > "$cache/VERSION"
fi
echo "$cache"

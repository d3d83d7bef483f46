#!/bin/sh
# embed.sh NAME FILE: print a C file defining `const char NAME[]` with FILE's
# bytes, and `const unsigned NAME_len`. Generated into build/, never committed.
set -e
name=$1 file=$2
echo "/* generated from $file by scripts/embed.sh, do not edit */"
echo "const char $name[] ="
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$/\\n"/' "$file"
echo ";"
echo "const unsigned ${name}_len = sizeof($name) - 1;"

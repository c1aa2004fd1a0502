#!/usr/bin/env bash
# Install annotator's launcher entry, icons, AppStream data and the .annotator file type for you
# (no root needed). Run it from the unpacked app folder:   ./install-desktop.sh
# or from a source checkout after packaging/build.sh:      packaging/install-desktop.sh [APP_FOLDER]
# --uninstall removes what it installed. Honours XDG_DATA_HOME (default ~/.local/share).
set -euo pipefail

APP_ID=io.github.annotator.Annotator
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
uninstall=0
app=""
for argument in "$@"; do
    case "$argument" in
        --uninstall) uninstall=1 ;;
        -h|--help) sed -n '2,6p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) app="$argument" ;;
    esac
done

# Where the files come from: share/ inside the app folder, or the checkout's packaging/ and resources/.
if [[ -z "$app" ]]; then
    if [[ -x "$here/annotator" && -d "$here/share" ]]; then app="$here"; else app="$here/../dist/annotator"; fi
fi
if [[ ! -x "$app/annotator" ]]; then
    echo "install-desktop.sh: no annotator executable in $app; build it with packaging/build.sh or name the app folder" >&2
    exit 1
fi
app="$(cd "$app" && pwd)"
if [[ -d "$app/share" ]]; then
    share_src="$app/share"
else
    echo "install-desktop.sh: $app/share is missing (an app folder made by packaging/build.sh has it)" >&2
    exit 1
fi

data="${XDG_DATA_HOME:-$HOME/.local/share}"
desktop="$data/applications/$APP_ID.desktop"
metainfo="$data/metainfo/$APP_ID.metainfo.xml"
mime="$data/mime/packages/$APP_ID.xml"
link="$HOME/.local/bin/annotator"

refresh() {
    # Each tool is optional: desktops without them rescan on their own, later.
    if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$data/applications" || true; fi
    if command -v update-mime-database >/dev/null; then update-mime-database "$data/mime" >/dev/null || true; fi
    if command -v gtk-update-icon-cache >/dev/null && [[ -f "$data/icons/hicolor/index.theme" ]]; then
        gtk-update-icon-cache -q -t "$data/icons/hicolor" || true
    fi
}

if [[ $uninstall == 1 ]]; then
    rm -f "$desktop" "$metainfo" "$mime"
    find "$data/icons/hicolor" -name "$APP_ID.*" -delete 2>/dev/null || true
    if [[ -L "$link" && "$(readlink "$link")" == "$app/annotator" ]]; then rm -f "$link"; fi
    refresh
    echo "Removed annotator's launcher entry, icons and file type."
    exit 0
fi

mkdir -p "$data/applications" "$data/metainfo" "$data/mime/packages" "$data/icons/hicolor"
# The launcher starts the app where it was unpacked. The Exec key quotes the path (spaces are fine);
# characters it would have to escape twice are refused rather than written wrong.
case "$app" in
    *[\"\`\$\\]*) echo "install-desktop.sh: move the app to a folder whose path has no \" \` \$ or \\ and run this again" >&2; exit 1 ;;
esac
while IFS= read -r line; do
    case "$line" in
        "Exec=annotator %f") printf 'Exec="%s/annotator" %%f\n' "$app" ;;
        "TryExec=annotator") printf 'TryExec=%s/annotator\n' "$app" ;;
        *) printf '%s\n' "$line" ;;
    esac
done < "$share_src/applications/$APP_ID.desktop" > "$desktop.tmp"
mv "$desktop.tmp" "$desktop"
cp "$share_src/metainfo/$APP_ID.metainfo.xml" "$metainfo"
cp "$share_src/mime/packages/$APP_ID.xml" "$mime"
cp -r "$share_src/icons/hicolor/." "$data/icons/hicolor/"
# A command on PATH for the terminal too, unless something else already owns the name.
mkdir -p "$HOME/.local/bin"
if [[ ! -e "$link" || -L "$link" ]]; then ln -sfn "$app/annotator" "$link"; fi
refresh
echo "Installed annotator in your launcher (it runs $app/annotator) and the .annotator file type."
echo "Keep the app folder where it is; after moving it, run this script again."

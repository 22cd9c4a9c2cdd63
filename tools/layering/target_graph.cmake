# Writes every target of this build with its sources and links to
# ${CMAKE_BINARY_DIR}/layering/targets.tsv, read by tools/layering/check_layering.py: the
# layering check takes its rule from the targets themselves, never from a copy of them.
# One line per target: name, type, source dir, SOURCES, LINK_LIBRARIES (what it links,
# PUBLIC and PRIVATE), INTERFACE_LINK_LIBRARIES (what its users get); lists ';'-separated.
# Included at the end of the top CMakeLists.txt, when every target exists.

function(lodestar_collect_targets dir out)
  get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(sub IN LISTS subdirs)
    lodestar_collect_targets(${sub} more)
    list(APPEND targets ${more})
  endforeach()
  set(${out} ${targets} PARENT_SCOPE)
endfunction()

function(lodestar_write_target_graph)
  lodestar_collect_targets(${PROJECT_SOURCE_DIR} targets)
  set(text "")
  foreach(t IN LISTS targets)
    get_target_property(type ${t} TYPE)
    get_target_property(source_dir ${t} SOURCE_DIR)
    get_target_property(sources ${t} SOURCES)
    get_target_property(links ${t} LINK_LIBRARIES)
    get_target_property(interface ${t} INTERFACE_LINK_LIBRARIES)
    foreach(v sources links interface)
      if(${v} MATCHES "-NOTFOUND$")
        set(${v} "")
      endif()
    endforeach()
    string(APPEND text "${t}\t${type}\t${source_dir}\t${sources}\t${links}\t${interface}\n")
  endforeach()
  file(WRITE ${CMAKE_BINARY_DIR}/layering/targets.tsv "${text}")
endfunction()

lodestar_write_target_graph()
